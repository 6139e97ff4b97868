package org.ocs4j.exec;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.stream.Stream;

/**
 * libnd4j's fused {@code lstmLayer} op for DL4J's {@code LSTM} cell (sigmoid gates, tanh cell
 * and output, no peepholes, forward direction), with the gate-block reordering between the two: DL4J's {@code W},
 * {@code RW} and {@code b} hold the blocks (cell input, forget, output, input gate), the op expects (input gate,
 * forget, cell input, output). The backward pass is written with ND4J ops (see {@link #backward}). Checked against DL4J's own LSTM in {@code FusedLstmLanguageModelTest} and
 * {@code FastRecurrentInferenceTest}.
 */
public final class FusedLstm {

    /** DL4J gate block k is the op's block {@code DL4J_FROM_FUSED[k]}. */
    private static final int[] DL4J_FROM_FUSED = {2, 1, 3, 0};

    private FusedLstm() {
    }

    /**
     * Forward over a sequence.
     *
     * @param x      {@code [N, T, C]} if {@code timeMajorInner} (NTS) else {@code [N, C, T]} (DL4J's NCW)
     * @param w      {@code [C, 4H]}, op gate order
     * @param rw     {@code [H, 4H]}, op gate order
     * @param b      {@code [4H]}, op gate order
     * @param h0     initial output {@code [N, H]}
     * @param c0     initial cell state {@code [N, H]}
     * @return {output sequence (same layout as x), last output [N, H], last cell state [N, H]}
     */
    public static INDArray[] forward(INDArray x, boolean ntsLayout, INDArray w, INDArray rw, INDArray b, INDArray h0,
                                     INDArray c0) {
        return singleThreaded(op(ntsLayout, x, w, rw, b, h0, c0));
    }

    /**
     * Backward of {@link #forward} (NTS layout), given the gradient of the output sequence only (the window's initial
     * state is a constant: truncated BPTT). Written with ND4J ops rather than libnd4j's {@code lstmLayer_bp}, which
     * leaks ~12 MB of native memory per call in 1.0.0-M2.1 (32 × 35 steps of 256 units; a training epoch would need
     * 20 GB) and is slower: the gates of every step are recomputed from the forward's outputs with two large products,
     * the cell states by the recurrence, then one small product per step carries the gradient back in time.
     *
     * @param x       the forward's input {@code [N, T, C]}
     * @param output  the forward's output sequence {@code [N, T, H]}
     * @param dOutput gradient of the loss with respect to {@code output}
     * @return {dL/dx [N, T, C], dL/dW [C, 4H], dL/dRW [H, 4H], dL/db [4H]} (op gate order)
     */
    public static INDArray[] backward(INDArray x, INDArray w, INDArray rw, INDArray b, INDArray h0, INDArray c0,
                                      INDArray output, INDArray dOutput) {
        long n = x.size(0);
        long t = x.size(1);
        long c = x.size(2);
        long h = rw.size(0);
        INDArray xs = x.permute(1, 0, 2).dup('c').reshape(t * n, c); // time-major rows
        INDArray hs = output.permute(1, 0, 2).dup('c');              // [T, N, H]
        INDArray previous = Nd4j.concat(0, h0.reshape(1, n, h), hs.get(NDArrayIndex.interval(0, t - 1),
                NDArrayIndex.all(), NDArrayIndex.all())).reshape(t * n, h);
        INDArray z = xs.mmul(w).addi(previous.mmul(rw)).addiRowVector(b.reshape(1, 4 * h));
        INDArray in = gate(z, 0, h, t, n, true);
        INDArray forget = gate(z, 1, h, t, n, true);
        INDArray cell = gate(z, 2, h, t, n, false);
        INDArray out = gate(z, 3, h, t, n, true);
        INDArray states = in.mul(cell); // c_t = f_t c_{t-1} + i_t g_t, in place step by step
        singleThreaded(() -> {
            INDArray cPrevious = c0;
            for (long s = 0; s < t; s++) {
                INDArray cs = step(states, s);
                cs.addi(step(forget, s).mul(cPrevious));
                cPrevious = cs;
            }
            return null;
        });
        INDArray tanhC = Transforms.tanh(states, true);
        INDArray previousStates = Nd4j.concat(0, c0.reshape(1, n, h), states.get(NDArrayIndex.interval(0, t - 1),
                NDArrayIndex.all(), NDArrayIndex.all()));
        // per-step factors, all steps at once: dz_o = dh·A, dc = dh·B + dc_next, dz_i = dc·P, dz_f = dc·Q, dz_g = dc·R
        INDArray ones = Nd4j.onesLike(out);
        INDArray aFactor = tanhC.mul(out).muli(ones.sub(out));
        INDArray bFactor = out.mul(ones.sub(tanhC.mul(tanhC)));
        INDArray pFactor = cell.mul(in).muli(ones.sub(in));
        INDArray qFactor = previousStates.mul(forget).muli(ones.sub(forget));
        INDArray rFactor = in.mul(ones.sub(cell.mul(cell)));
        INDArray dh = dOutput.permute(1, 0, 2).dup('c'); // becomes the total dL/dh_t
        INDArray dc = Nd4j.zerosLike(dh);               // total dL/dc_t
        INDArray dz = Nd4j.create(z.dataType(), t, n, 4 * h);
        INDArray rwT = rw.transpose().dup('c');
        singleThreaded(() -> {
            recurrence(t, h, dh, dc, dz, rwT, forget, aFactor, bFactor, pFactor, qFactor, rFactor);
            return null;
        });
        INDArray dz2 = dz.reshape(t * n, 4 * h);
        INDArray dw = xs.transpose().mmul(dz2);
        INDArray drw = previous.transpose().mmul(dz2);
        INDArray db = dz2.sum(0);
        INDArray dx = dz2.mmul(w.transpose()).reshape(t, n, c).permute(1, 0, 2).dup('c');
        return new INDArray[]{dx, dw, drw, db};
    }

    /** The backward recurrence over time, filling dh, dc and dz (all time-major) in place. */
    private static void recurrence(long t, long h, INDArray dh, INDArray dc, INDArray dz, INDArray rwT,
                                   INDArray forget, INDArray aFactor, INDArray bFactor, INDArray pFactor,
                                   INDArray qFactor, INDArray rFactor) {
        INDArray dhNext = null;
        INDArray dcNext = null;
        for (long s = t - 1; s >= 0; s--) {
            INDArray dhs = step(dh, s);
            if (dhNext != null) {
                dhs.addi(dhNext);
            }
            INDArray dcs = step(dc, s);
            dcs.assign(dhs.mul(step(bFactor, s)));
            if (dcNext != null) {
                dcs.addi(dcNext);
            }
            INDArray dzs = step(dz, s);
            block(dzs, 0, h).assign(dcs.mul(step(pFactor, s)));
            block(dzs, 1, h).assign(dcs.mul(step(qFactor, s)));
            block(dzs, 2, h).assign(dcs.mul(step(rFactor, s)));
            block(dzs, 3, h).assign(dhs.mul(step(aFactor, s)));
            dcNext = dcs.mul(step(forget, s));
            dhNext = dzs.mmul(rwT);
        }
    }

    /** Gate block k of the pre-activations {@code [T·N, 4H]}, activated, as {@code [T, N, H]}. */
    private static INDArray gate(INDArray z, int k, long h, long t, long n, boolean sigmoid) {
        INDArray block = z.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h)).dup('c');
        return (sigmoid ? Transforms.sigmoid(block, false) : Transforms.tanh(block, false)).reshape(t, n, h);
    }

    private static INDArray step(INDArray timeMajor, long s) {
        return timeMajor.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private static INDArray block(INDArray rows, int k, long h) {
        return rows.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h));
    }

    private static DynamicCustomOp op(boolean nts, INDArray... inputs) {
        return DynamicCustomOp.builder("lstmLayer").addInputs(inputs)
                .addIntegerArguments((nts ? LSTMDataFormat.NTS : LSTMDataFormat.NST).ordinal(),
                        LSTMDirectionMode.FWD.ordinal(), LSTMActivations.SIGMOID.ordinal(),
                        LSTMActivations.TANH.ordinal(), LSTMActivations.TANH.ordinal())
                .addFloatingPointArguments(0.0) // no cell clipping
                // has bias, no sequence lengths, initial h, initial c, no peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, true, true, false, true, true, true).build();
    }

    /**
     * Runs an LSTM op on one op thread: its per-time-step work is small, and OpenMP's hand-offs between threads cost
     * more than they save there (several times slower with two threads on a 2-core machine); other ops keep every
     * thread.
     */
    private static INDArray[] singleThreaded(DynamicCustomOp op) {
        return singleThreaded(() -> Nd4j.exec(op));
    }

    private static <T> T singleThreaded(java.util.function.Supplier<T> work) {
        var environment = Nd4j.getEnvironment();
        int threads = environment.maxThreads();
        int masters = environment.maxMasterThreads();
        environment.setMaxThreads(1);
        environment.setMaxMasterThreads(1);
        try {
            return work.get();
        } finally {
            environment.setMaxThreads(threads);
            environment.setMaxMasterThreads(masters);
        }
    }

    /**
     * @return why the op cannot compute this DL4J layer exactly as DL4J does (it is no plain {@code LSTM}, or not
     * with sigmoid gates, tanh activation and NCW data), or null when it can
     */
    public static String unsupported(Layer layer) {
        var conf = layer.conf().getLayer();
        if (conf.getClass() != LSTM.class) {
            return "it is a " + conf.getClass().getSimpleName() + ", not an LSTM";
        }
        var lstm = (LSTM) conf;
        if (!(lstm.getGateActivationFn() instanceof ActivationSigmoid)
                || !(lstm.getActivationFn() instanceof ActivationTanH)
                || lstm.getRnnDataFormat() != RNNFormat.NCW) {
            return "the fused LSTM op needs sigmoid gates, tanh activation and NCW data; this one has "
                    + lstm.getGateActivationFn() + ", " + lstm.getActivationFn() + ", " + lstm.getRnnDataFormat();
        }
        return null;
    }

    /** @return {W, RW, b} of a DL4J LSTM layer (see {@link #unsupported}), copied into the op's gate order */
    public static INDArray[] weights(Layer layer) {
        INDArray rw = layer.getParam("RW");
        return new INDArray[]{fusedGateOrder(layer.getParam("W")), fusedGateOrder(rw),
                fusedGateOrder(layer.getParam("b").reshape(rw.size(1)))};
    }

    /** @return a copy of a DL4J gate-ordered {@code [rows, 4H]} matrix (or {@code [4H]} vector) in the op's order */
    public static INDArray fusedGateOrder(INDArray dl4j) {
        INDArray m = dl4j.rank() == 1 ? dl4j.reshape(1, dl4j.length()) : dl4j;
        long h = m.size(1) / 4;
        INDArray[] blocks = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            blocks[DL4J_FROM_FUSED[k]] = m.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h));
        }
        INDArray out = Nd4j.hstack(blocks);
        return dl4j.rank() == 1 ? out.reshape(dl4j.length()) : out;
    }

    /** @return a copy of an op-ordered {@code [rows, 4H]} matrix (or {@code [4H]} vector) in DL4J's order */
    public static INDArray dl4jGateOrder(INDArray fused) {
        INDArray m = fused.rank() == 1 ? fused.reshape(1, fused.length()) : fused;
        long h = m.size(1) / 4;
        INDArray[] blocks = Stream.of(0, 1, 2, 3).map(k -> m.get(NDArrayIndex.all(),
                NDArrayIndex.interval(DL4J_FROM_FUSED[k] * h, (DL4J_FROM_FUSED[k] + 1) * h))).toArray(INDArray[]::new);
        INDArray out = Nd4j.hstack(blocks);
        return fused.rank() == 1 ? out.reshape(fused.length()) : out;
    }
}
