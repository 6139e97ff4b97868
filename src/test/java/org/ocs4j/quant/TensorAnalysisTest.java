package org.ocs4j.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.split.SplitOptions;
import org.ocs4j.split.SplitResult;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorAnalysisTest {

    @Test
    void foldingAPlainSplitGivesBackTheTensorExactly() {
        Nd4j.getRandom().setSeed(1);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 6, 10, 3, 3);
        SplitResult split = TensorAnalysis.split(w, 1, 0.3, SplitOptions.PLAIN);
        assertEquals(w, org.ocs4j.split.Channels.fold(split.weights(), 1, split.plan().originalChannels(),
                split.plan().origin()));
    }

    @Test
    void gridAwareOcsRaisesTheSqnrOfAnOutlierTensor() {
        // Gaussian weights with a few large outliers: OCS shrinks the range, so every method's SQNR should rise.
        Nd4j.getRandom().setSeed(2);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 64, 32, 3, 3);
        w.putScalar(new long[] {0, 3, 1, 1}, 9.0);
        w.putScalar(new long[] {5, 7, 0, 2}, -8.0);
        List<TensorAnalysis.MethodResult> without = TensorAnalysis.analyze(w, 6, 1, 0.0, true);
        List<TensorAnalysis.MethodResult> with = TensorAnalysis.analyze(w, 6, 1, 0.05, true);
        for (int i = 0; i < without.size(); i++) {
            System.out.printf("%s: %.2f dB -> %.2f dB with OCS r=0.05%n", without.get(i).method(),
                    without.get(i).sqnrDb(), with.get(i).sqnrDb());
        }
        assertTrue(with.get(ClipMethod.NONE.ordinal()).sqnrDb() > without.get(ClipMethod.NONE.ordinal()).sqnrDb() + 3,
                "halving the two outlier channels should gain about 6 dB without clipping");
    }
}
