"""`ember.vision.datasets`: torchvision's datasets on ember, reading the files where torchvision
keeps them, so `datasets.MNIST("data")` finds what torchvision downloaded."""

from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "DatasetFolder", "Digits", "FakeData", "FashionMNIST", "ImageFolder", "KMNIST",
           "MNIST", "StandardTransform", "VisionDataset"]
