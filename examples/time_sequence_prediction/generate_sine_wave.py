"""The training data of train.py, as pytorch/examples' time_sequence_prediction/generate_sine_wave.py:
N sine waves of period 2*pi*T sampled at L integer points, each shifted by a random offset
(NumPy, seed 2), saved as a float64 NumPy array with ``ember.save``.

    python examples/time_sequence_prediction/generate_sine_wave.py   # writes traindata.pt
"""

import argparse

import numpy as np

import ember


def main():
    parser = argparse.ArgumentParser(description='sine waves for train.py')
    parser.add_argument('--T', type=int, default=20, help='period of the waves / 2 pi (default: 20)')
    parser.add_argument('--L', type=int, default=100, help='samples per wave (default: 100)')
    parser.add_argument('--N', type=int, default=10, help='number of waves (default: 10)')
    parser.add_argument('--out', type=str, default='traindata.pt', help='where to save them (default: traindata.pt)')
    opt = parser.parse_args()
    np.random.seed(2)
    T, L, N = opt.T, opt.L, opt.N
    x = np.empty((N, L), 'int64')
    x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
    data = np.sin(x / 1.0 / T).astype('float64')
    ember.save(data, opt.out)


if __name__ == '__main__':
    main()
