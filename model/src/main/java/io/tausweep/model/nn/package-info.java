/**
 * Hand-written Deeplearning4j layers for the adaptation methods that DL4J lacks: {@link
 * io.tausweep.model.nn.TauGateLayer} (a learned per-unit threshold gate on frozen pre-activations) and {@link
 * io.tausweep.model.nn.LoRADenseLayer} (a frozen dense layer plus a trainable low-rank update), each a
 * configuration class, a parameter initializer and a layer with an explicit backward pass; and {@link
 * io.tausweep.model.nn.LeanNet}, which trains and evaluates those networks without DL4J's per-step machinery, with
 * its Java kernels and the per-thread work arrays it reuses from cell to cell ({@link io.tausweep.model.nn.WorkArrays}).
 * Layers here are plain DL4J with no Spark and no knowledge of sweeps, data or training loops; they are never
 * built on SameDiff, whose custom layers compute wrong gradients in 1.0.0-M2.1.
 */
package io.tausweep.model.nn;
