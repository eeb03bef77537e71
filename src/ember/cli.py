"""The `ember` command (also `python -m ember`).

    ember --version
    ember demo NAME [--epochs N] [--seed S] [--out DIR] [--no-progress] [--root DIR] [--download]
    ember graph [--tensor] [--out DIR]

A subcommand is a function that adds its subparser and sets `handler(args) -> int` on it;
adding one (`ember graph`, ...) is that function plus one entry in COMMANDS.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from typing import Callable, Optional, Sequence

import ember

from . import demos

Subparsers = argparse._SubParsersAction


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _add_demo_command(subparsers: Subparsers) -> None:
    listing = "\n".join(f"  {name:8s} {about}" for name, about in demos.DEMOS.items())
    parser = subparsers.add_parser(
        "demo",
        help="train a small network and save its figures",
        description=f"Train a small network, print its progress and save figures.\n\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", choices=list(demos.DEMOS), metavar="NAME", help="which demo")
    parser.add_argument(
        "--epochs", type=_positive_int, metavar="N", help="training length in the demo's unit"
    )
    parser.add_argument("--seed", type=int, metavar="S", help="random seed (default: the demo's)")
    parser.add_argument("--out", default="out", metavar="DIR", help="where to save figures")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument(
        "--root", metavar="DIR", help="the data set: MNIST's folder (mnist, default data), faces (siamese)"
    )
    parser.add_argument("--download", action="store_true", help="fetch the data set into --root (mnist)")
    parser.set_defaults(handler=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    demo = demos.load(args.name)
    options = {"out": args.out, "progress": not args.no_progress}
    if args.seed is not None:
        options["seed"] = args.seed
    data_options = {"root": args.root, "download": args.download or None}
    takes = inspect.signature(demo.run).parameters
    for option, value in data_options.items():
        if value is None:
            continue
        if option not in takes:
            print(f"ember: demo {args.name} takes no --{option}", file=sys.stderr)
            return 2
        options[option] = value
    length = () if args.epochs is None else (args.epochs,)
    try:
        demo.run(*length, **options)
    except demos.MissingDataError as err:
        print(f"ember: {err}", file=sys.stderr)
        return 1
    return 0


def _add_graph_command(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "graph",
        help="draw the computation graph of a small example",
        description="Backpropagate through a 2-input tanh neuron, one node per op, and draw its "
        "graph (data and grad on every node). With --tensor, draw the backward graph of a small "
        "Tensor MLP's loss instead, as torchviz does (grad_fn nodes, parameters named with their "
        "shapes). SVG when Graphviz's dot is installed, else HTML.",
    )
    parser.add_argument("--out", default="out", metavar="DIR", help="where to save the drawing")
    parser.add_argument(
        "--tensor", action="store_true", help="draw a Tensor MLP's loss graph, not the neuron"
    )
    parser.set_defaults(handler=_run_graph)


def _neuron_graph() -> tuple[ember.Value, dict[str, ember.Value], str]:
    """micrograd's tanh neuron after backward: its output, no params, the file's stem."""
    x1, x2 = ember.Value(2.0, name="x1"), ember.Value(0.0, name="x2")
    w1, w2 = ember.Value(-3.0, name="w1"), ember.Value(1.0, name="w2")
    b = ember.Value(6.8813735870195432, name="b")
    y = (x1 * w1 + x2 * w2 + b).tanh()
    y.name = "y"
    y.backward()
    return y, {}, "graph"


def _tensor_mlp_graph() -> tuple[ember.Tensor, dict[str, ember.Tensor], str]:
    """A 2-4-1 tanh MLP's MSE loss on four points: the loss, its named parameters, the stem."""
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(2, 4), ember.nn.Tanh(), ember.nn.Linear(4, 1))
    x = ember.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = ember.tensor([[0.0], [1.0], [1.0], [0.0]])
    loss = ember.nn.functional.mse_loss(model(x), y)
    return loss, dict(model.named_parameters()), "tensor_graph"


def _run_graph(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .viz import DotNotFoundError, draw_html, render

    root, params, stem = _tensor_mlp_graph() if args.tensor else _neuron_graph()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        path = render(root, out / f"{stem}.svg", params=params)
    except (DotNotFoundError, ImportError) as err:
        path = draw_html(root, out / f"{stem}.html", params=params)
        print(f"({err}; wrote an HTML page instead)", file=sys.stderr)
    print(f"saved {path}")
    return 0


COMMANDS: list[Callable[[Subparsers], None]] = [
    _add_demo_command,
    _add_graph_command,
]


def build_parser() -> argparse.ArgumentParser:
    description = "ember: deep learning on NumPy, from micrograd's Value to PyTorch's API."
    parser = argparse.ArgumentParser(prog="ember", description=description)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line `argv` (default: sys.argv[1:]) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help and usage errors: argparse has printed the message
        return exit_.code if isinstance(exit_.code, int) else 1
    if args.version:
        print(f"ember {ember.__version__}")
        return 0
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except ImportError as err:
        print(f"ember: {err}", file=sys.stderr)
        return 1
