"""Usage statistics.

The queries over usage events (``queries``), the report as data (``report``), its text and CSV
renderings (``text``), its chart (``chart``, matplotlib imported on first use) and the weekly admin
digest (``digest``).
"""
