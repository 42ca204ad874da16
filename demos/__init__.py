"""lstm-lab demos: spoken digits, character chat, stock forecasting, and their comparison."""
