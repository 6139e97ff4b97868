package org.ocs4j.exec;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.stream.Stream;

/**
 * libnd4j's fused {@code lstmLayer} / {@code lstmLayer_bp} ops for DL4J's {@code LSTM} cell (sigmoid gates, tanh cell
 * and output, no peepholes, forward direction), with the gate-block reordering between the two: DL4J's {@code W},
 * {@code RW} and {@code b} hold the blocks (cell input, forget, output, input gate), the op expects (input gate,
 * forget, cell input, output). Checked against DL4J's own LSTM in {@code FusedLstmLanguageModelTest} and
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
        return singleThreaded(op("lstmLayer", ntsLayout, true, true, x, w, rw, b, h0, c0));
    }

    /**
     * Backward of {@link #forward} (recomputes the forward) given the gradient of the output sequence only.
     *
     * @return {dL/dx, dL/dW, dL/dRW, dL/db, dL/dh0, dL/dc0}
     */
    public static INDArray[] backward(INDArray x, boolean ntsLayout, INDArray w, INDArray rw, INDArray b, INDArray h0,
                                      INDArray c0, INDArray dOutput) {
        return singleThreaded(op("lstmLayer_bp", ntsLayout, false, false, x, w, rw, b, h0, c0, dOutput));
    }

    private static DynamicCustomOp op(String name, boolean nts, boolean lastH, boolean lastC, INDArray... inputs) {
        return DynamicCustomOp.builder(name).addInputs(inputs)
                .addIntegerArguments((nts ? LSTMDataFormat.NTS : LSTMDataFormat.NST).ordinal(),
                        LSTMDirectionMode.FWD.ordinal(), LSTMActivations.SIGMOID.ordinal(),
                        LSTMActivations.TANH.ordinal(), LSTMActivations.TANH.ordinal())
                .addFloatingPointArguments(0.0) // no cell clipping
                // has bias, no sequence lengths, initial h, initial c, no peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, true, true, false, true, lastH, lastC).build();
    }

    /**
     * Runs an LSTM op on one op thread: its per-time-step work is small, and OpenMP's hand-offs between two threads
     * made it 4–7× slower here (forward 240 → 35 ms, backward 310 → 136 ms for 32 × 35 steps of 256 units); other
     * ops keep every thread.
     */
    private static INDArray[] singleThreaded(DynamicCustomOp op) {
        var environment = Nd4j.getEnvironment();
        int threads = environment.maxThreads();
        int masters = environment.maxMasterThreads();
        environment.setMaxThreads(1);
        environment.setMaxMasterThreads(1);
        try {
            return Nd4j.exec(op);
        } finally {
            environment.setMaxThreads(threads);
            environment.setMaxMasterThreads(masters);
        }
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
