"""ember.nn.functional: the functional form of every layer and loss (`F.relu`, `F.cross_entropy`...).

One file per topic; each file's public functions are re-exported here.
"""

from .activation import (
    elu, gelu, hardtanh, leaky_relu, log_softmax, mish, relu, relu6, selu, sigmoid, silu, softmax, softplus, tanh,
)
from .linear import bilinear, linear
from ...ops.pairwise_distance import pdist
from .distance import (
    cosine_embedding_loss, cosine_similarity, margin_ranking_loss, normalize, pairwise_distance, triplet_margin_loss,
)
from .loss import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, kl_div, l1_loss, mse_loss,
    nll_loss, one_hot, smooth_l1_loss,
)
from .conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d
from .pooling import (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,
    interpolate, max_pool1d, max_pool2d,
)
from .dropout import dropout, dropout1d, dropout2d, dropout3d
from .normalization import batch_norm, group_norm, layer_norm
from .per_sample_norm import instance_norm, local_response_norm, rms_norm
from .sparse import embedding
from ...ops.padding import pad
from .attention import scaled_dot_product_attention
from .pixel_shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from .pooling3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from .unpool import lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d, max_unpool2d, max_unpool3d
from .fold import fold, unfold
from .embedding_bag import embedding_bag
from .grid_sample import affine_grid, grid_sample
from .shrink import hardshrink, softshrink, softsign, tanhshrink, threshold
from .rectifier import celu, glu, hardsigmoid, hardswish, logsigmoid, prelu, rrelu, softmin
from .margin_loss import (
    hinge_embedding_loss, multi_margin_loss, multilabel_margin_loss, multilabel_soft_margin_loss, soft_margin_loss,
    triplet_margin_with_distance_loss,
)
from .likelihood_loss import gaussian_nll_loss, poisson_nll_loss
from .alpha_dropout import alpha_dropout, feature_alpha_dropout
from .upsample import upsample_bilinear, upsample_nearest
from .linear_cross_entropy import linear_cross_entropy
from .multi_head_attention import multi_head_attention_forward
from .ctc import ctc_loss
