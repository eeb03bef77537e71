"""The pictures the image demos draw: a confusion matrix, a grid of images, a 2-D embedding."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from . import _common


def plot_confusion_matrix(matrix: np.ndarray, classes: Sequence[str], path: Path, title: str) -> Path:
    """The counts matrix[true, predicted] as a heat map, each cell labelled with its count."""
    fig, (ax,) = _common.figure(size=(5.5, 4.8))
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax, label="test images")
    ticks = range(len(classes))
    ax.set_xticks(ticks, classes)
    ax.set_yticks(ticks, classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = matrix.max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        if count:
            colour = "white" if count > threshold else "black"
            ax.text(col, row, str(count), ha="center", va="center", color=colour, fontsize=7)
    ax.set_title(title)
    return _common.save_figure(fig, path)


def plot_image_grid(
    images: Sequence[np.ndarray], captions: Sequence[str], path: Path, title: str, ncols: int = 8
) -> Path:
    """Grey images (H, W) in rows of `ncols`, each captioned; an empty list draws a note saying
    there was nothing to show."""
    rows = max(1, math.ceil(len(images) / ncols))
    fig, axes = _common.figure(ncols, size=(1.3, 1.5), nrows=rows)
    for ax in axes:
        ax.axis("off")
    for ax, image, caption in zip(axes, images, captions):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(caption, fontsize=8)
    if not images:
        axes[0].text(0.0, 0.5, "none", fontsize=12)
    fig.suptitle(title)
    return _common.save_figure(fig, path)


def plot_embedding(
    points: np.ndarray, labels: Sequence[int], classes: Sequence[str], path: Path, title: str
) -> Path:
    """Points (N, D) in the plane, coloured by class. D = 2 is drawn as it is; a wider embedding
    is projected on its first two principal components."""
    xy = points if points.shape[1] == 2 else _principal_components(points, 2)
    fig, (ax,) = _common.figure(size=(6.0, 5.0))
    labels = np.asarray(labels)
    colours = _common.require("matplotlib").colormaps["tab20" if len(classes) > 10 else "tab10"]
    for k, name in enumerate(classes):
        chosen = labels == k
        ax.scatter(xy[chosen, 0], xy[chosen, 1], s=10, color=colours(k % colours.N), label=name)
    ax.legend(fontsize=7, markerscale=2, loc="best", ncols=2 if len(classes) > 10 else 1)
    axis_name = "embedding" if points.shape[1] == 2 else "principal component"
    ax.set_xlabel(f"{axis_name} 1")
    ax.set_ylabel(f"{axis_name} 2")
    ax.set_title(title)
    return _common.save_figure(fig, path)


def _principal_components(points: np.ndarray, k: int) -> np.ndarray:
    """The centred points projected on their top-k principal directions (by SVD)."""
    centred = points - points.mean(axis=0)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    return centred @ directions[:k].T
