"""Stock price forecasting with `ExplicitLSTM`, judged against persistence and drift.

Run `python -m demos.stocks --help`.
"""
