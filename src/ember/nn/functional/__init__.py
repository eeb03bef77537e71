"""ember.nn.functional: the functional form of every layer and loss (`F.relu`, `F.cross_entropy`...).

One file per topic; each file's public functions are re-exported here.
"""

from .activation import (
    elu, gelu, hardtanh, leaky_relu, log_softmax, mish, relu, relu6, selu, sigmoid, silu, softmax, softplus, tanh,
)
from .linear import bilinear, linear
