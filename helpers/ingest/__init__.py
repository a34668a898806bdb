"""Ingestion of raw files into posts: the pieces behind ``helpers.segment``.

Each concern has its own module:

``model``        line statuses, removal reasons, the records a segmenter returns
``decode``       bytes to text (UTF-8, UTF-16/32 by byte-order mark, cp1252) and rejection
                 of input that is not text (NUL bytes, control characters)
``atomic``       writing any output through a temporary file and ``os.replace``
``boilerplate``  recognising page furniture by what it is (navigation, reading time,
                 captions, paywall, related links, adverts, cookie notices, share bars)
``head``         bylines, dates, captions and titles in the head of a page; sign-offs
``formats``      one module per raw format behind a small registry (adding a format is
                 adding a module and one line in ``formats/__init__.py``)
``reprints``     the same post in two files (near-identical both ways)
``authors``      authors and writer roles from evidence, with confidence
"""
