def loss(step):
    return 1.0 / step
