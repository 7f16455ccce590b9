"""Input scaling."""

from reference._types import Array


def normalize_inputs(X_train: Array, X_test: Array) -> tuple[Array, Array]:
    """X_norm = (X - mu) / sigma, per feature (row), mu and sigma (ddof=0) from X_train.

    X_train: (n_x, m_train), X_test: (n_x, m_test) -> same shapes
    """
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_test - mu) / sigma
