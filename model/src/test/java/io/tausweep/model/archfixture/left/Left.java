package io.tausweep.model.archfixture.left;

import io.tausweep.model.archfixture.right.Right;

/** Half of a deliberate package cycle that {@code ArchitectureTest} must reject. */
public final class Left {
  Right partner;
}
