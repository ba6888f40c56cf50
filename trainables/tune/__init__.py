"""The Ray Tune side: trainables, metric names, MLflow tracking from workers, the driver callback."""
