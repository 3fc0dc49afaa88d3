"""Tests of distsys_edu.runtime, one module per runtime module."""
