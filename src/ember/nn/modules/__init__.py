"""The nn.Module classes, one concept per file; each file adds its classes here."""

from .activation import (
    ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSoftmax, Mish, ReLU, ReLU6, SiLU, Sigmoid, Softmax, Softplus, Tanh,
)
from .container import ModuleDict, ModuleList, Sequential
from .flatten import Flatten, Identity, Unflatten
from .linear import Bilinear, Linear
from .module import Module

__all__: list[str] = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Flatten", "Unflatten", "Linear", "Bilinear",
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Mish", "Softplus", "Sigmoid", "Tanh", "Hardtanh",
    "Softmax", "LogSoftmax",
]

from .distance import CosineEmbeddingLoss, CosineSimilarity, MarginRankingLoss, PairwiseDistance, TripletMarginLoss
from .loss import (
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss,
)

__all__ += [
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivLoss", "CosineEmbeddingLoss", "TripletMarginLoss", "MarginRankingLoss", "PairwiseDistance", "CosineSimilarity",
]

from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .pooling import (
    AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, MaxPool1d,
    MaxPool2d, Upsample,
)

__all__ += [
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "Upsample",
]

from .rnn import GRU, LSTM, RNN, RNNBase
from .rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase

__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

from .padding import (
    CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
    ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d,
    ZeroPad3d,
)
from .padding import __all__ as _padding_all

__all__ += _padding_all

from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .normalization import GroupNorm, LayerNorm
from .sparse import Embedding

__all__ += [
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm", "Dropout", "Dropout1d", "Dropout2d",
    "Dropout3d", "Embedding", "AlphaDropout", "FeatureAlphaDropout",
]

from .activation_attention import MultiheadAttention, NonDynamicallyQuantizableLinear

__all__ += ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]

from .transformer import (
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
)

__all__ += [
    "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder", "Transformer",
]

from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .normalization import LocalResponseNorm, RMSNorm
from .pixelshuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle

__all__ += [
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm", "RMSNorm", "ChannelShuffle",
    "PixelShuffle", "PixelUnshuffle",
]

from .pooling import (
    AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, MaxPool3d, UpsamplingBilinear2d, UpsamplingNearest2d,
)
from .unpool import LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d

__all__ += [
    "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "AvgPool3d", "MaxPool3d", "LPPool1d", "LPPool2d", "LPPool3d",
    "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "UpsamplingBilinear2d", "UpsamplingNearest2d",
]

from .fold import Fold, Unfold

__all__ += ["Fold", "Unfold"]

from .embedding_bag import EmbeddingBag

__all__ += ["EmbeddingBag"]

from .rectifier import CELU, GLU, Hardsigmoid, Hardswish, LogSigmoid, PReLU, RReLU, Softmax2d, Softmin
from .shrink import Hardshrink, Softshrink, Softsign, Tanhshrink, Threshold

__all__ += [
    "CELU", "GLU", "Hardsigmoid", "Hardswish", "LogSigmoid", "PReLU", "RReLU", "Softmax2d", "Softmin",
    "Hardshrink", "Softshrink", "Softsign", "Tanhshrink", "Threshold",
]

from .margin_loss import (
    GaussianNLLLoss, HingeEmbeddingLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss,
    PoissonNLLLoss, SoftMarginLoss, TripletMarginWithDistanceLoss,
)

__all__ += [
    "GaussianNLLLoss", "HingeEmbeddingLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
    "PoissonNLLLoss", "SoftMarginLoss", "TripletMarginWithDistanceLoss",
]

from .container_params import ParameterDict, ParameterList

__all__ += ["ParameterDict", "ParameterList"]

from .linear_cross_entropy import LinearCrossEntropyLoss, LinearCrossEntropyOptions

__all__ += ["LinearCrossEntropyLoss", "LinearCrossEntropyOptions"]

from .ctc_loss import CTCLoss

__all__ += ["CTCLoss"]
