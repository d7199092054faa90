/**
 * The network: the MLP every method starts from ({@link io.tausweep.model.arch.Mlp}) and the two
 * hand-written Deeplearning4j layers DL4J lacks, {@link io.tausweep.model.arch.TauGateLayer} (a
 * learned per-unit threshold gate on frozen pre-activations) and {@link
 * io.tausweep.model.arch.LoRADenseLayer} (a frozen dense layer plus a trainable low-rank update),
 * each a configuration class, a parameter initializer and a layer implementation with an explicit
 * backward pass, as DL4J's own layers are. {@link io.tausweep.model.arch.TauGateKernel} holds the
 * gate's formula, the one place every TauGate forward pass (this layer, the lean engine, inference)
 * takes it from.
 *
 * <p>Plain DL4J: no Spark, no sweeps, no training loops; nothing here depends on another package of
 * this module but {@code rng}, whose streams draw the initial weights. Never built on SameDiff,
 * whose custom layers compute wrong gradients in 1.0.0-M2.1.
 */
package io.tausweep.model.arch;
