"""Parameter sweeps that return plain data (lists, dicts, dataclasses with ``to_dict``).

Each experiment runs many seeded simulations, so its figures are reproducible; the
long ones show a tqdm progress bar on stderr (``progress=False`` turns it off). Nothing
here draws: the pictures in ``viz`` read these results.
"""
