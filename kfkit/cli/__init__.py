"""The command-line interface; the only code that prints or exits.

Importing it pauses Python's garbage collector until :mod:`kfkit.cli.main` has loaded, which
then freezes what the imports made (modules, classes, functions: they live until exit) and
resumes it: collections that walked those objects again and again cost ~8 % of a command's
start-up (#12).
"""

import gc

gc.disable()
