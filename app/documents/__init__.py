"""Chat with your documents: extraction, chunking, a local index (BM25 + vectors), retrieval.

No Qt. Everything here runs off the GUI thread; each worker opens its own SQLite connection.
The index lives in its own file (`app.documents.index_db.index_path()`), never in the
conversations database.
"""
