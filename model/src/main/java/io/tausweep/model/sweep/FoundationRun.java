package io.tausweep.model.sweep;

import io.tausweep.model.train.EpochStats;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** A trained foundation with its per-epoch log and training time. */
public record FoundationRun(
    MultiLayerNetwork network, List<EpochStats> epochs, double trainSeconds) {}
