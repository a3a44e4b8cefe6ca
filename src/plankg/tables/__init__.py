"""The bottom layer: tables with no Flask and no rdflib.

The vocabulary, the formats and negotiation, the SPARQL texts and where the project's files are;
query processes import them.
"""
