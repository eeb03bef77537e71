"""ember.nn.functional: the functional form of every layer and loss (`F.relu`, `F.cross_entropy`...).

One file per topic; each file's public functions are re-exported here.
"""
