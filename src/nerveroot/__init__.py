"""nerveroot: clinical decision support for lumbar nerve root compression (L1–S1).

nerveroot supports clinicians; it does not replace clinical judgement.
"""

__version__ = "0.1.0"
