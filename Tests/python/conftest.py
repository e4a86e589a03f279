import os
import sys

# Import the package from the source tree; it finds .build/release/libcajal.so.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
# The op table shared with the fixture generator.
sys.path.insert(0, os.path.join(ROOT, "Tests", "reference"))
