package io.tausweep.model.archfixture.right;

import io.tausweep.model.archfixture.left.Left;

/** The other half of the deliberate package cycle that {@code ArchitectureTest} must reject. */
public final class Right {
  Left partner;
}
