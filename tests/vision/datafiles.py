"""Small dataset files written as the real ones are: IDX files (MNIST) and Python 2 pickles (CIFAR)."""

import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile

import numpy as np

IDX_TYPES = {np.dtype(np.uint8): 8, np.dtype(np.int8): 9, np.dtype(">i2"): 11, np.dtype(">i4"): 12,
             np.dtype(">f4"): 13, np.dtype(">f8"): 14}


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def idx_bytes(array: np.ndarray) -> bytes:
    """`array` as an IDX file: 00 00 <type> <ndim>, big-endian uint32 sizes, big-endian values."""
    big = array.astype(array.dtype.newbyteorder(">")) if array.dtype.itemsize > 1 else array
    header = bytes([0, 0, IDX_TYPES[big.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + big.tobytes()


def mnist_arrays(count: int, seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, 28, 28), dtype=np.uint8), rng.integers(0, 10, count, dtype=np.uint8)


def mnist_gz_files(train_count: int = 3, test_count: int = 2) -> dict:
    """{name.gz: gzipped IDX bytes} for the four MNIST files, and the arrays written."""
    (train_x, train_y), (test_x, test_y) = mnist_arrays(train_count, 0), mnist_arrays(test_count, 1)
    files = {"train-images-idx3-ubyte": train_x, "train-labels-idx1-ubyte": train_y,
             "t10k-images-idx3-ubyte": test_x, "t10k-labels-idx1-ubyte": test_y}
    return {f"{name}.gz": gzip.compress(idx_bytes(a), mtime=0) for name, a in files.items()}, files


def write_mnist_raw(raw: str, gz: bool = False, **counts) -> dict:
    """Write the four MNIST files into `raw` (gzipped with `gz`); returns the arrays by file name."""
    gz_files, arrays = mnist_gz_files(**counts)
    os.makedirs(raw, exist_ok=True)
    for name, array in arrays.items():
        data = gzip.compress(idx_bytes(array)) if gz else idx_bytes(array)
        with open(os.path.join(raw, name + (".gz" if gz else "")), "wb") as f:
            f.write(data)
    return arrays


class Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2 wrote its str (SHORT_BINSTRING), as in the CIFAR batches."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj: bytes) -> None:
        n = len(obj)
        self.write((pickle.SHORT_BINSTRING + bytes([n]) if n < 256 else pickle.BINSTRING + struct.pack("<i", n)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def py2_pickle(obj) -> bytes:
    """`obj` pickled (protocol 2) as Python 2 and NumPy 1 pickled it: byte strings as str, arrays
    rebuilt by numpy.core.multiarray._reconstruct."""
    buffer = io.BytesIO()
    Py2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue().replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


def cifar_batch(count: int, seed: int, label_key: bytes = b"labels", classes: int = 10) -> tuple:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (count, 3072), dtype=np.uint8)
    labels = [int(v) for v in rng.integers(0, classes, count)]
    return {b"batch_label": b"batch", label_key: labels, b"data": data,
            b"filenames": [b"img%d.png" % i for i in range(count)]}, data, labels


def write_cifar(root: str, dataset, monkeypatch, hundred: bool = False) -> dict:
    """Write small CIFAR files under `root/<dataset.base_folder>` (two train batches for CIFAR-10)
    and point `dataset`'s MD5s at them; returns {file name: (data, labels)} and the class names."""
    folder = os.path.join(root, dataset.base_folder)
    os.makedirs(folder, exist_ok=True)
    label_key, names_key = (b"fine_labels", b"fine_label_names") if hundred else (b"labels", b"label_names")
    classes = [f"class{i}" for i in range(100 if hundred else 10)]
    names = ["train", "test"] if hundred else ["data_batch_1", "data_batch_2", "test_batch"]
    written, digests = {}, {}
    for seed, name in enumerate(names):
        batch, data, labels = cifar_batch(3 + seed, seed, label_key, len(classes))
        written[name] = (data, labels)
        digests[name] = _write(os.path.join(folder, name), py2_pickle(batch))
    meta = {names_key: [c.encode() for c in classes], b"num_cases_per_batch": 3}
    meta_name = "meta" if hundred else "batches.meta"
    meta_md5 = _write(os.path.join(folder, meta_name), py2_pickle(meta))
    train = [n for n in names if n not in ("test", "test_batch")]
    monkeypatch.setattr(dataset, "train_list", [[n, digests[n]] for n in train])
    monkeypatch.setattr(dataset, "test_list", [[names[-1], digests[names[-1]]]])
    monkeypatch.setattr(dataset, "meta", {**dataset.meta, "md5": meta_md5})
    return written, classes


def _write(path: str, data: bytes) -> str:
    with open(path, "wb") as f:
        f.write(data)
    return md5(data)


def tar_gz(folder: str, arcname: str) -> bytes:
    """`folder` as a .tar.gz holding it as `arcname/`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=arcname)
    return buffer.getvalue()


def files_under(root) -> list:
    """Every file under `root`, relative, sorted (hidden temporaries included)."""
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
