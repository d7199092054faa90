package io.tausweep.jobs.task;

import io.tausweep.model.config.Budget;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.sweep.CellIds;
import io.tausweep.model.sweep.Setting;
import io.tausweep.model.sweep.SweepConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expanded grid of a sweep: one foundation per (seed, angle) and distinct foundation settings,
 * and one cell per method x seed x angle x the settings that method depends on, times lambda for
 * the methods that have that axis (no wasted cells: a method's cells do not multiply by another
 * method's keys, and settings that give a cell the same id give one cell).
 */
public record Grid(List<FoundationTask> foundations, List<CellTask> cells) implements Serializable {

  /** A foundation to train (or reuse): its id, seed, angle and budget. */
  public record FoundationTask(String id, long seed, double angleDeg, Budget budget)
      implements Serializable {}

  /**
   * A cell to run.
   *
   * @param lambda TauGate's sparsity weight, null for methods without that axis
   * @param validationImages the validation images per seed it is evaluated on (0: none)
   * @param hparams the swept values the cell depends on (key to value text), in axis order
   * @param setting the cell's point on the tuned-over axes ({@code k=v,...}: its hparams and
   *     lambda, less the axes reported separately); empty without axes
   * @param reportGroup its values of the axes reported separately ({@code k=v,...}), or empty
   */
  public record CellTask(
      String id,
      AdaptationMethod method,
      long seed,
      double angleDeg,
      Double lambda,
      String foundationId,
      Budget budget,
      int validationImages,
      Map<String, String> hparams,
      String setting,
      String reportGroup)
      implements Serializable {
    public CellTask {
      hparams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hparams));
    }
  }

  /** Expands a config, cells ordered by seed, angle, method, setting, lambda. */
  public static Grid of(SweepConfig cfg) {
    Map<String, FoundationTask> foundations = new LinkedHashMap<>();
    List<CellTask> cells = new ArrayList<>();
    boolean lambdaAxis = cfg.lambdas().size() > 1;
    for (long seed : cfg.seeds()) {
      for (double angle : cfg.anglesDeg()) {
        for (int m = 0; m < cfg.methods().size(); m++) {
          Set<String> seen = new HashSet<>();
          for (Setting s : cfg.settings()) {
            AdaptationMethod method = s.methods().get(m);
            Budget budget = s.budget();
            String fid = CellIds.foundationId(cfg.dataset(), seed, angle, budget);
            List<Double> lambdas =
                method.usesLambda() ? cfg.lambdas() : java.util.Collections.singletonList(null);
            for (Double lambda : lambdas) {
              String id =
                  CellIds.cellId(
                      cfg.dataset(), method, seed, angle, lambda, budget, cfg.validationImages());
              if (!seen.add(id)) {
                continue;
              }
              foundations.putIfAbsent(fid, new FoundationTask(fid, seed, angle, budget));
              Map<String, String> hparams = s.valuesFor(method);
              Map<String, String> tuned = new LinkedHashMap<>(hparams);
              if (lambda != null && lambdaAxis) {
                tuned.put("lambda", Double.toString(lambda));
              }
              Map<String, String> apart = new LinkedHashMap<>();
              for (String k : cfg.reportSeparately()) {
                if (tuned.containsKey(k)) {
                  apart.put(k, tuned.remove(k));
                }
              }
              cells.add(
                  new CellTask(
                      id,
                      method,
                      seed,
                      angle,
                      lambda,
                      fid,
                      budget,
                      cfg.validationImages(),
                      hparams,
                      join(tuned),
                      join(apart)));
            }
          }
        }
      }
    }
    return new Grid(List.copyOf(foundations.values()), List.copyOf(cells));
  }

  /** Swept values as the {@code hparams}, {@code setting} and {@code report_group} text: k=v,... */
  public static String join(Map<String, String> values) {
    StringBuilder sb = new StringBuilder();
    values.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
