"""ember.nn.utils: gradient clipping, parameter vectors, and rnn helpers."""
