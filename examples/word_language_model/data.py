"""The corpus: a word dictionary and the train/valid/test files as one int64 tensor of ids each.

Every line is split on whitespace and ends with the word ``<eos>``; a word gets the next free
id the first time it is seen, in the order train, valid, test.
"""

import os

import ember


class Dictionary:
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus:
    def __init__(self, path):
        self.dictionary = Dictionary()
        self.train = self.tokenize(os.path.join(path, 'train.txt'))
        self.valid = self.tokenize(os.path.join(path, 'valid.txt'))
        self.test = self.tokenize(os.path.join(path, 'test.txt'))

    def tokenize(self, path):
        """The ids of the words of a text file, one 1-d int64 tensor; new words join the dictionary."""
        with open(path, 'r', encoding='utf8') as f:
            lines = [line.split() + ['<eos>'] for line in f]
        idss = [ember.tensor([self.dictionary.add_word(word) for word in words]).type(ember.int64)
                for words in lines]
        return ember.cat(idss)
