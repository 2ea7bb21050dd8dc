"""``station demo``: the GUI on a throw-away data dir with the simulator, a sample catalog and a
sample face clip; ``--offscreen --screenshots DIR --exit-after S`` runs the scripted tour."""
