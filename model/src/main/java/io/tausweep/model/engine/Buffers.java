package io.tausweep.model.engine;

import java.util.Arrays;

/**
 * Row-major work arrays of one layer, per slot and shape (a minibatch size), allocated once outside
 * any workspace. A slot holds a handful of shapes (full and last training batches, evaluation
 * batches), found by a linear scan, which is cheaper than a map keyed by a record for the several
 * lookups of every step.
 */
final class Buffers {
  private FloatMat[][] slots = new FloatMat[0][];

  FloatMat get(int slot, int rows, int cols) {
    if (slot >= slots.length) {
      slots = Arrays.copyOf(slots, slot + 1);
    }
    FloatMat[] shapes = slots[slot];
    if (shapes != null) {
      for (FloatMat m : shapes) {
        if (m.rows == rows && m.cols == cols) {
          return m;
        }
      }
    }
    FloatMat m = FloatMat.allocate(rows, cols);
    shapes = shapes == null ? new FloatMat[1] : Arrays.copyOf(shapes, shapes.length + 1);
    shapes[shapes.length - 1] = m;
    slots[slot] = shapes;
    return m;
  }

  void close() {
    for (FloatMat[] shapes : slots) {
      if (shapes != null) {
        for (FloatMat m : shapes) {
          WorkArrays.give(m.array);
        }
      }
    }
    slots = new FloatMat[0][];
  }
}
