# explore raft: no counterexample, so no step mode to open
