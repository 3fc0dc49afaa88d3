"""Worked answers to the exercises, one module per exercise.

The solution notebooks in ``lessons/solutions/`` show these classes (the lesson
sources include them by name), and the exercise tests check them, so the answer a
learner reads is the answer that is tested. Peeking is allowed; trying first is
more fun.
"""
