"""A CNN digit classifier trained with Adadelta and StepLR, as pytorch/examples' mnist/main.py.

The data is scikit-learn's bundled digits set (1797 grey 8x8 images of 0-9, no download):
each image is scaled to [0, 1], resized to MNIST's 28x28 by bilinear interpolation (in float64)
and normalised with the training images' mean and standard deviation. The first ``--train-size``
images (at most 1500) train, the last ``--test-size`` (at most 297) test.

Replacing the word ``ember`` with ``torch`` in this file gives the same program in PyTorch;
``--save-init`` in one and ``--load-init`` in the other start both from the same weights, and
``--no-dropout`` removes the one random step whose stream differs between the two libraries.

    python examples/mnist/main.py --epochs 2
"""

import argparse

from sklearn.datasets import load_digits

import ember
import ember.nn as nn
import ember.nn.functional as F
import ember.optim as optim
from ember.optim.lr_scheduler import StepLR

DIGITS, TRAIN_END = 1797, 1500  # images [0, 1500) may train, [1500, 1797) may test


class Net(nn.Module):
    def __init__(self, dropout1=0.25, dropout2=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(dropout1)
        self.dropout2 = nn.Dropout(dropout2)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = ember.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


class Batches:
    """Consecutive (data, target) slices of two tensors: a DataLoader without shuffling."""

    def __init__(self, data, targets, batch_size):
        self.dataset = data
        self.targets = targets
        self.batch_size = batch_size

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        for start in range(0, len(self.dataset), self.batch_size):
            stop = start + self.batch_size
            yield self.dataset[start:stop], self.targets[start:stop]


def digits(train_size, test_size, dtype):
    """The digits set as normalised (N, 1, 28, 28) images of `dtype` and int64 labels:
    ((train images, train labels), (test images, test labels))."""
    if not 0 < train_size <= TRAIN_END:
        raise ValueError(f'--train-size must be in [1, {TRAIN_END}], got {train_size}')
    if not 0 < test_size <= DIGITS - TRAIN_END:
        raise ValueError(f'--test-size must be in [1, {DIGITS - TRAIN_END}], got {test_size}')
    bunch = load_digits()
    images = ember.from_numpy(bunch.images / 16.0).unsqueeze(1)
    images = F.interpolate(images, size=(28, 28), mode='bilinear', align_corners=False)
    images = ((images - images[:train_size].mean()) / images[:train_size].std()).to(dtype)
    labels = ember.from_numpy(bunch.target).long()
    return (images[:train_size], labels[:train_size]), (images[-test_size:], labels[-test_size:])


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.{d}f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item(), d=args.loss_digits))
            if args.dry_run:
                break


def test(args, model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with ember.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)

    print('\nTest set: Average loss: {:.{d}f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset), d=args.loss_digits))


def main():
    parser = argparse.ArgumentParser(description='ember MNIST-style Example (sklearn digits)')
    parser.add_argument('--batch-size', type=int, default=64, metavar='N',
                        help='input batch size for training (default: 64)')
    parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                        help='input batch size for testing (default: 1000)')
    parser.add_argument('--epochs', type=int, default=1, metavar='N',
                        help='number of epochs to train (default: 1)')
    parser.add_argument('--lr', type=float, default=1.0, metavar='LR',
                        help='learning rate (default: 1.0)')
    parser.add_argument('--gamma', type=float, default=0.7, metavar='M',
                        help='Learning rate step gamma (default: 0.7)')
    parser.add_argument('--train-size', type=int, default=640, metavar='N',
                        help='images that train, at most 1500 (default: 640)')
    parser.add_argument('--test-size', type=int, default=297, metavar='N',
                        help='images that test, at most 297 (default: 297)')
    parser.add_argument('--no-dropout', action='store_true',
                        help='dropout p = 0, so that ember and torch compute the same numbers')
    parser.add_argument('--double', action='store_true',
                        help='train in float64 instead of float32')
    parser.add_argument('--dry-run', action='store_true',
                        help='quickly check a single pass')
    parser.add_argument('--seed', type=int, default=1, metavar='S',
                        help='random seed (default: 1)')
    parser.add_argument('--loss-digits', type=int, default=6, metavar='N',
                        help='decimals of the printed losses (default: 6)')
    parser.add_argument('--log-interval', type=int, default=5, metavar='N',
                        help='how many batches to wait before logging training status')
    parser.add_argument('--save-init', type=str, default='', metavar='PATH',
                        help='write the initial weights to PATH (a state_dict)')
    parser.add_argument('--load-init', type=str, default='', metavar='PATH',
                        help='start from the weights in PATH (a state_dict)')
    parser.add_argument('--save-model', action='store_true',
                        help='save the trained weights to mnist_cnn.pt')
    args = parser.parse_args()

    ember.manual_seed(args.seed)
    device = ember.device("cpu")

    dtype = ember.float64 if args.double else ember.float32
    (train_data, train_targets), (test_data, test_targets) = digits(args.train_size, args.test_size, dtype)
    train_loader = Batches(train_data, train_targets, args.batch_size)
    test_loader = Batches(test_data, test_targets, args.test_batch_size)

    model = Net(*((0.0, 0.0) if args.no_dropout else ())).to(device)
    if args.double:
        model.double()
    if args.load_init:
        model.load_state_dict(ember.load(args.load_init))
    if args.save_init:
        ember.save(model.state_dict(), args.save_init)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test(args, model, device, test_loader)
        scheduler.step()

    if args.save_model:
        ember.save(model.state_dict(), "mnist_cnn.pt")


if __name__ == '__main__':
    main()
