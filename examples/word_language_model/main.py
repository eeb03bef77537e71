"""A word-level language model (LSTM, GRU, RNN or Transformer), as pytorch/examples'
word_language_model: truncated backpropagation through time over ``--bptt`` words, gradient
clipping with ``clip_grad_norm_``, a plain SGD update, the learning rate divided by 4 whenever
the validation loss stops improving, and the test perplexity of the best model at the end.

The corpus is the short story in ``data/`` (train.txt, valid.txt, test.txt, written for ember).

Replacing the word ``ember`` with ``torch`` in the three files of this folder gives the same
program in PyTorch; ``--save-init`` in one and ``--load-init`` in the other start both from
the same weights, ``--dropout 0`` removes the one random step whose stream differs between the
two libraries, and ``--loss-digits 8`` prints the losses precisely enough to compare them.

    python examples/word_language_model/main.py --epochs 3
"""

import argparse
import math
import os
import time

import ember
import ember.nn as nn

import data
from model import RNNModel, TransformerModel

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL_BATCH_SIZE = 5


def parse_args():
    parser = argparse.ArgumentParser(description='ember RNN/LSTM/GRU/Transformer Language Model')
    parser.add_argument('--data', type=str, default=os.path.join(HERE, 'data'),
                        help='folder with train.txt, valid.txt and test.txt')
    parser.add_argument('--model', type=str, default='LSTM',
                        help='type of network (RNN_TANH, RNN_RELU, LSTM, GRU, Transformer)')
    parser.add_argument('--emsize', type=int, default=32, help='size of word embeddings')
    parser.add_argument('--nhid', type=int, default=32, help='number of hidden units per layer')
    parser.add_argument('--nlayers', type=int, default=2, help='number of layers')
    parser.add_argument('--lr', type=float, default=20, help='initial learning rate')
    parser.add_argument('--clip', type=float, default=0.25, help='gradient clipping')
    parser.add_argument('--epochs', type=int, default=3, help='upper epoch limit')
    parser.add_argument('--batch_size', type=int, default=10, metavar='N', help='batch size')
    parser.add_argument('--bptt', type=int, default=20, help='sequence length')
    parser.add_argument('--dropout', type=float, default=0.2,
                        help='dropout applied to layers (0 = no dropout)')
    parser.add_argument('--tied', action='store_true',
                        help='tie the word embedding and softmax weights')
    parser.add_argument('--seed', type=int, default=1111, help='random seed')
    parser.add_argument('--log-interval', type=int, default=2, metavar='N', help='report interval')
    parser.add_argument('--save', type=str, default='out/model.pt',
                        help='path to save the best model (its state_dict)')
    parser.add_argument('--nhead', type=int, default=2,
                        help='the number of heads in the encoder of the transformer model')
    parser.add_argument('--dry-run', action='store_true', help='verify the code and the model')
    parser.add_argument('--use-optimizer', action='store_true',
                        help='Uses AdamW optimizer for gradient updating')
    parser.add_argument('--loss-digits', type=int, default=2, help='decimals of the printed losses')
    parser.add_argument('--save-init', type=str, default='', metavar='PATH',
                        help='write the initial weights to PATH (a state_dict)')
    parser.add_argument('--load-init', type=str, default='', metavar='PATH',
                        help='start from the weights in PATH (a state_dict)')
    return parser.parse_args()


def save_weights(model, path):
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    ember.save(model.state_dict(), path)


def load_weights(model, path):
    model.load_state_dict(ember.load(path))


# batchify arranges the sequence of ids into bsz columns; with the alphabet and bsz 4:
# ┌ a g m s ┐
# │ b h n t │
# │ c i o u │
# │ d j p v │
# │ e k q w │
# └ f l r x ┘
# The model treats the columns as independent sequences (it cannot learn that 'g' follows 'f'),
# which allows batch processing.
def batchify(data, bsz, device):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)  # trim off the remainder that does not fill a row
    data = data.view(bsz, -1).t().contiguous()
    return data.to(device)


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, ember.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


# get_batch cuts the batchified source into chunks of bptt rows (time steps, dim 0); the target
# is the same chunk one step later, flattened. With bptt 2 and the alphabet above, i = 0 gives
# ┌ a g m s ┐ ┌ b h n t ┐
# └ b h n t ┘ └ c i o u ┘
def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].view(-1)
    return data, target


def evaluate(args, model, criterion, data_source, ntokens):
    """The mean negative log-likelihood per word of `data_source` (dropout off, no graph)."""
    model.eval()
    total_loss = 0.
    if args.model != 'Transformer':
        hidden = model.init_hidden(EVAL_BATCH_SIZE)
    with ember.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            data, targets = get_batch(data_source, i, args.bptt)
            if args.model == 'Transformer':
                output = model(data)
                output = output.view(-1, ntokens)
            else:
                output, hidden = model(data, hidden)
                hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train(args, model, criterion, optimizer, train_data, ntokens, lr, epoch):
    model.train()
    total_loss = 0.
    start_time = time.time()
    if args.model != 'Transformer':
        hidden = model.init_hidden(args.batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        data, targets = get_batch(train_data, i, args.bptt)
        # Detach the hidden state from how it was produced, or backpropagation would run
        # all the way back to the start of the data set.
        if args.use_optimizer:
            optimizer.zero_grad()
        else:
            model.zero_grad()
        if args.model == 'Transformer':
            output = model(data)
            output = output.view(-1, ntokens)
        else:
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()

        # clip_grad_norm_ keeps the exploding gradients of RNNs in check
        ember.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        if args.use_optimizer:
            optimizer.step()
        else:
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)

        total_loss += loss.item()

        if batch % args.log_interval == 0 and batch > 0:
            cur_loss = total_loss / args.log_interval
            elapsed = time.time() - start_time
            print('| epoch {:3d} | {:5d}/{:5d} batches | lr {:02.2f} | ms/batch {:5.2f} | '
                  'loss {:5.{d}f} | ppl {:8.2f}'.format(
                      epoch, batch, len(train_data) // args.bptt, lr,
                      elapsed * 1000 / args.log_interval, cur_loss, math.exp(cur_loss),
                      d=args.loss_digits))
            total_loss = 0
            start_time = time.time()
        if args.dry_run:
            break


def main():
    args = parse_args()
    # Set the random seed manually for reproducibility.
    ember.manual_seed(args.seed)
    device = ember.device("cpu")
    print("Using device:", device)

    corpus = data.Corpus(args.data)
    train_data = batchify(corpus.train, args.batch_size, device)
    val_data = batchify(corpus.valid, EVAL_BATCH_SIZE, device)
    test_data = batchify(corpus.test, EVAL_BATCH_SIZE, device)

    ntokens = len(corpus.dictionary)
    if args.model == 'Transformer':
        model = TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers,
                                 args.dropout).to(device)
    else:
        model = RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout,
                         args.tied).to(device)
    if args.load_init:
        load_weights(model, args.load_init)
    if args.save_init:
        save_weights(model, args.save_init)

    criterion = nn.NLLLoss()
    optimizer = ember.optim.AdamW(model.parameters(), lr=args.lr) if args.use_optimizer else None

    lr = args.lr
    best_val_loss = None
    d = args.loss_digits
    # At any point you can hit Ctrl + C to break out of training early.
    try:
        for epoch in range(1, args.epochs + 1):
            epoch_start_time = time.time()
            train(args, model, criterion, optimizer, train_data, ntokens, lr, epoch)
            val_loss = evaluate(args, model, criterion, val_data, ntokens)
            print('-' * 89)
            print('| end of epoch {:3d} | time: {:5.2f}s | valid loss {:5.{d}f} | '
                  'valid ppl {:8.2f}'.format(epoch, (time.time() - epoch_start_time),
                                             val_loss, math.exp(val_loss), d=d))
            print('-' * 89)
            # Save the model if the validation loss is the best we've seen so far.
            if not best_val_loss or val_loss < best_val_loss:
                save_weights(model, args.save)
                best_val_loss = val_loss
            else:
                # Anneal the learning rate if no improvement has been seen on the validation set.
                lr /= 4.0
    except KeyboardInterrupt:
        print('-' * 89)
        print('Exiting from training early')

    # Load the best saved model and run it on the test data.
    load_weights(model, args.save)
    test_loss = evaluate(args, model, criterion, test_data, ntokens)
    print('=' * 89)
    print('| End of training | test loss {:5.{d}f} | test ppl {:8.2f}'.format(
        test_loss, math.exp(test_loss), d=d))
    print('=' * 89)


if __name__ == '__main__':
    main()
