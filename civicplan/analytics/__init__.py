"""The analytics core: plain Python, numpy and scikit-learn, no Django.

`text` reads Russian proposals; `potential` assesses municipalities from statistics;
`tabular` reads the CSV and XLSX files both of them and the platform's importers take.
"""
