/**
 * The adaptation methods, one type each (Frozen, BitFit, TauGate, LoRA, FullFineTune), and their
 * registry. A method turns a trained foundation into the network it specialises and says which
 * parameters it trains; the training loop itself lives in the train package.
 */
package io.tausweep.model.method;
