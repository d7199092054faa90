package io.tausweep.jobs.task;

import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.sweep.CellIds;
import io.tausweep.model.sweep.SweepConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expanded grid of a sweep: one foundation per (seed, angle), and one cell per method x seed x
 * angle, times lambda for the methods that have that axis only (no wasted cells).
 */
public record Grid(List<FoundationTask> foundations, List<CellTask> cells) implements Serializable {

  /** A foundation to train (or reuse): its id, seed and angle. */
  public record FoundationTask(String id, long seed, double angleDeg) implements Serializable {}

  /** A cell to run: its id, method, seed, angle, lambda (null if not an axis), foundation id. */
  public record CellTask(
      String id,
      AdaptationMethod method,
      long seed,
      double angleDeg,
      Double lambda,
      String foundationId)
      implements Serializable {}

  /** Expands a config, cells ordered by seed, angle, method, lambda. */
  public static Grid of(SweepConfig cfg) {
    Map<String, FoundationTask> foundations = new LinkedHashMap<>();
    List<CellTask> cells = new ArrayList<>();
    for (long seed : cfg.seeds()) {
      for (double angle : cfg.anglesDeg()) {
        String fid = CellIds.foundationId(cfg.dataset(), seed, angle, cfg.budget());
        foundations.putIfAbsent(fid, new FoundationTask(fid, seed, angle));
        for (AdaptationMethod m : cfg.methods()) {
          List<Double> lambdas =
              m.usesLambda() ? cfg.lambdas() : java.util.Collections.singletonList(null);
          for (Double lambda : lambdas) {
            cells.add(
                new CellTask(
                    CellIds.cellId(cfg.dataset(), m, seed, angle, lambda, cfg.budget()),
                    m,
                    seed,
                    angle,
                    lambda,
                    fid));
          }
        }
      }
    }
    return new Grid(List.copyOf(foundations.values()), List.copyOf(cells));
  }
}
