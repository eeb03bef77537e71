"""Sine-wave prediction with two LSTMCells and LBFGS, as pytorch/examples' time_sequence_prediction.

The data are N sine waves of period 2*pi*T sampled at L integer points, each shifted by a random
offset (NumPy, seed 2, as the example's generate_sine_wave.py). The first three waves test,
the others train: the model reads x[t] and predicts x[t + 1], in float64. After each LBFGS step
it continues the test waves for ``--future`` steps on its own predictions and draws them to
``<out>/predict<step>.png``.

Replacing the word ``ember`` with ``torch`` in this file gives the same program in PyTorch;
``--save-init`` in one and ``--load-init`` in the other start both from the same weights.

    python examples/time_sequence_prediction/train.py --steps 2
"""

import argparse
import os

import matplotlib
import numpy as np
from safetensors.numpy import load_file, save_file

import ember
import ember.nn as nn
import ember.optim as optim

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the file-only backend)


def sine_waves(T, L, N):
    """N rows of sin(x / T) for x = 0..L-1 shifted by a random integer in [-4T, 4T)."""
    np.random.seed(2)
    x = np.empty((N, L), 'int64')
    x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
    return np.sin(x / 1.0 / T).astype('float64')


class Sequence(nn.Module):
    def __init__(self, hidden=51):
        super().__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = ember.zeros(input.size(0), self.hidden, dtype=ember.double)
        c_t = ember.zeros(input.size(0), self.hidden, dtype=ember.double)
        h_t2 = ember.zeros(input.size(0), self.hidden, dtype=ember.double)
        c_t2 = ember.zeros(input.size(0), self.hidden, dtype=ember.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = ember.cat(outputs, dim=1)
        return outputs


def draw(path, y, seen, future):
    """The test waves: what the model saw solid, what it predicted on its own dotted."""
    plt.figure(figsize=(30, 10))
    plt.title('Predict future values for time sequences\n(Dashlines are predicted values)', fontsize=30)
    plt.xlabel('x', fontsize=20)
    plt.ylabel('y', fontsize=20)
    plt.xticks(fontsize=20)
    plt.yticks(fontsize=20)
    for yi, color in zip(y, 'rgb'):
        plt.plot(np.arange(seen), yi[:seen], color, linewidth=2.0)
        plt.plot(np.arange(seen, seen + future), yi[seen:], color + ':', linewidth=2.0)
    plt.savefig(path)
    plt.close()


def main():
    parser = argparse.ArgumentParser(description='ember time sequence prediction')
    parser.add_argument('--steps', type=int, default=2, help='LBFGS steps to run (default: 2)')
    parser.add_argument('--T', type=int, default=20, help='period of the waves / 2 pi (default: 20)')
    parser.add_argument('--L', type=int, default=100, help='samples per wave (default: 100)')
    parser.add_argument('--N', type=int, default=10, help='number of waves (default: 10)')
    parser.add_argument('--future', type=int, default=100,
                        help='steps predicted past each test wave (default: 100)')
    parser.add_argument('--max-iter', type=int, default=20,
                        help='LBFGS iterations per step (default: 20)')
    parser.add_argument('--out', type=str, default='out', help='folder for the PNGs (default: out)')
    parser.add_argument('--save-init', type=str, default='', metavar='PATH',
                        help='write the initial weights to PATH (safetensors)')
    parser.add_argument('--load-init', type=str, default='', metavar='PATH',
                        help='start from the weights in PATH (safetensors)')
    opt = parser.parse_args()
    # set random seed to 0
    np.random.seed(0)
    ember.manual_seed(0)
    # make the training and test sets
    data = sine_waves(opt.T, opt.L, opt.N)
    input = ember.from_numpy(data[3:, :-1])
    target = ember.from_numpy(data[3:, 1:])
    test_input = ember.from_numpy(data[:3, :-1])
    test_target = ember.from_numpy(data[:3, 1:])
    # build the model
    seq = Sequence()
    seq.double()
    if opt.load_init:
        seq.load_state_dict({k: ember.from_numpy(v) for k, v in load_file(opt.load_init).items()})
    if opt.save_init:
        save_file({k: v.detach().numpy() for k, v in seq.state_dict().items()}, opt.save_init)
    criterion = nn.MSELoss()
    # use LBFGS as optimizer since we can load the whole data to train
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=opt.max_iter)
    os.makedirs(opt.out, exist_ok=True)
    # begin to train
    for i in range(opt.steps):
        print('STEP: ', i)

        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            print('loss:', loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        # begin to predict, no need to track gradient here
        with ember.no_grad():
            future = opt.future
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            print('test loss:', loss.item())
            y = pred.detach().numpy()
        path = os.path.join(opt.out, 'predict%d.png' % i)
        draw(path, y, input.size(1), future)
        print('saved', path)


if __name__ == '__main__':
    main()
