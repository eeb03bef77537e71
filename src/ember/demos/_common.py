"""What every demo shares: its optional dependencies, an output folder, a progress bar, figures.

tqdm, matplotlib and scikit-learn are the `demo` extra; they are imported on first use, so
`import ember.demos.moons` works without them and only running a demo needs them.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence, TypeVar, Union

from ..scalar.value import Value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from tqdm import tqdm

PathLike = Union[str, Path]
T = TypeVar("T")

DEFAULT_OUT = "out"
INSTALL_HINT = "pip install 'ember[demo]'"


class MissingDataError(FileNotFoundError):
    """A demo's data set is not on disk; the message says where to put it and how to get it."""


def require(module: str) -> ModuleType:
    """Import an optional dependency of the demos, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        package = module.split(".")[0]
        raise ImportError(f"the ember demos need {package}: {INSTALL_HINT}") from err


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with BLAS (and OpenMP) on one thread, through threadpoolctl (which
    scikit-learn installs). A small CNN's matrix products are small: on 2 idle cores a digits
    epoch took the same wall time with OpenBLAS's second thread and twice the CPU time; on 2
    cores shared with other work (load ~5) it took 7x the wall time and 8x the CPU time."""
    with require("threadpoolctl").threadpool_limits(1):
        yield


def output_dir(out: PathLike) -> Path:
    """The folder a demo writes its figures into, created if needed."""
    path = Path(out)
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress(iterable: Iterable[T], total: int, desc: str, enabled: bool = True) -> Iterator[T]:
    """A tqdm bar over `iterable` (on stderr); `enabled=False` hides it."""
    tqdm = require("tqdm").tqdm
    return tqdm(iterable, total=total, desc=desc, disable=not enabled, leave=False)


def progress_bar(total: int, desc: str, enabled: bool = True) -> tqdm:
    """A tqdm bar of `total` steps, advanced by hand with `.update(n)` (on stderr)."""
    return require("tqdm").tqdm(total=total, desc=desc, disable=not enabled, leave=False)


def log(message: str) -> None:
    """Print a line without breaking a running progress bar."""
    require("tqdm").tqdm.write(message)


def figure(
    ncols: int = 1, size: tuple[float, float] = (6.0, 4.5), nrows: int = 1
) -> tuple[Figure, list[Axes]]:
    """A matplotlib Figure drawn by the Agg backend (no display, no global pyplot state).

    Returns (figure, axes): nrows x ncols panels of `size` inches each, row by row.
    """
    require("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    return fig, list(axes)


def save_figure(fig: Figure, path: Path) -> Path:
    """Write the figure as a PNG, print where, and return the path."""
    fig.savefig(path, dpi=120)
    print(f"saved {path}")
    return path


def sgd_step(parameters: Sequence[Value], lr: float) -> None:
    """p <- p - lr * dL/dp for every parameter (plain SGD, as micrograd's demo does by hand)."""
    for p in parameters:
        p.data -= lr * p.grad


def argmax(values: Sequence[Value]) -> int:
    """Index of the largest value: the predicted class for a list of logits."""
    return max(range(len(values)), key=lambda i: values[i].data)


Curve = tuple[Sequence[float], Sequence[float]]
Panel = Union[Curve, Mapping[str, Curve]]


def plot_curves(
    path: Path, title: str, xlabel: str, curves: Mapping[str, Panel], log_y: Sequence[str] = ()
) -> Path:
    """One PNG with a panel per named curve, e.g. {"loss": (steps, losses), "accuracy": ...};
    a panel given as {"train": curve, "test": curve} draws those curves together with a legend.
    The panels named in `log_y` get a logarithmic y axis."""
    MaxNLocator = require("matplotlib.ticker").MaxNLocator
    fig, axes = figure(ncols=len(curves), size=(5.0, 3.8))
    for ax, (name, panel) in zip(axes, curves.items()):
        labelled = panel.items() if isinstance(panel, Mapping) else [(None, panel)]
        for label, (xs, ys) in labelled:
            ax.plot(xs, ys, label=label)
        if isinstance(panel, Mapping):
            ax.legend()
        if name in log_y:
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return save_figure(fig, path)
