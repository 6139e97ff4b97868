package org.ocs4j.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.model.InceptionResNetV1;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.pipeline.OcsConfig;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's zoo InceptionResNetV1 with random weights amplifies rounding enormously while its batch norms keep their
 * default statistics (activations grow ~6,000× in the stem): the widening must not be called broken — the report
 * says the model's own rounding decides — and once the batch norms are calibrated it is exact in double.
 */
class InceptionResNetIdentityTest {

    private static ComputationGraph net() {
        return InceptionResNetV1.builder().numClasses(10).inputShape(new int[] {3, 160, 160}).seed(1).build().init();
    }

    private static String widen(ComputationGraph net) {
        OcsModel<ComputationGraph> w = Ocs.of(net).config(OcsConfig.builder().expandRatio(0.05).gridAware(false)
                .build()).inputShape(3, 160, 160).widen();
        return w.report().identity();
    }

    @Test
    void uncalibratedTheReportBlamesTheModelsRoundingCalibratedItIsExactToDouble() {
        ComputationGraph raw = net();
        String uncalibrated = widen(raw);
        System.out.println("uncalibrated batch norms: " + uncalibrated);
        assertTrue(uncalibrated.startsWith("undecided: the model itself amplifies rounding"), uncalibrated);

        ComputationGraph calibrated = net();
        Nd4j.getRandom().setSeed(5);
        BatchNormCalibration.calibrateInPlace(calibrated, Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                8, 3, 160, 160));
        String exact = widen(calibrated);
        System.out.println("calibrated batch norms: " + exact);
        assertTrue(exact.startsWith("exact"), exact);
    }
}
