"""Pipeline stages: pure ``Document -> Document`` functions over the text layer.

Each module registers its stage(s) with :func:`marsad.pipeline.register`.
"""
