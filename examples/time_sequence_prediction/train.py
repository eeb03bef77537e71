"""Sine-wave prediction with two LSTMCells and LBFGS, as pytorch/examples' time_sequence_prediction.

The data are the sine waves generate_sine_wave.py saved as a NumPy array (``--data``). The
first three waves test, the others train: the model reads x[t] and predicts x[t + 1], in
float64. After each LBFGS step it continues the test waves for ``--future`` steps on its own
predictions and draws them to ``<out>/predict<step>.png``.

Replacing the word ``ember`` with ``torch`` in this folder gives the same programs in PyTorch;
``--save-init`` in one and ``--load-init`` in the other start both from the same weights.

    python examples/time_sequence_prediction/generate_sine_wave.py
    python examples/time_sequence_prediction/train.py --steps 2
"""

import argparse
import os

import matplotlib
import numpy as np

import ember
import ember.nn as nn
import ember.optim as optim

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the file-only backend)


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
    parser.add_argument('--data', type=str, default='traindata.pt',
                        help='the waves generate_sine_wave.py saved (default: traindata.pt)')
    parser.add_argument('--future', type=int, default=100,
                        help='steps predicted past each test wave (default: 100)')
    parser.add_argument('--max-iter', type=int, default=20,
                        help='LBFGS iterations per step (default: 20)')
    parser.add_argument('--out', type=str, default='out', help='folder for the PNGs (default: out)')
    parser.add_argument('--save-init', type=str, default='', metavar='PATH',
                        help='write the initial weights to PATH (a state_dict)')
    parser.add_argument('--load-init', type=str, default='', metavar='PATH',
                        help='start from the weights in PATH (a state_dict)')
    opt = parser.parse_args()
    # set random seed to 0
    np.random.seed(0)
    ember.manual_seed(0)
    # load data and make training set: a NumPy array, which only weights_only=False unpickles
    # (in torch >= 2.6 too); safe here, as the file is the one generate_sine_wave.py wrote
    data = ember.load(opt.data, weights_only=False)
    input = ember.from_numpy(data[3:, :-1])
    target = ember.from_numpy(data[3:, 1:])
    test_input = ember.from_numpy(data[:3, :-1])
    test_target = ember.from_numpy(data[:3, 1:])
    # build the model
    seq = Sequence()
    seq.double()
    if opt.load_init:
        seq.load_state_dict(ember.load(opt.load_init))
    if opt.save_init:
        ember.save(seq.state_dict(), opt.save_init)
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
