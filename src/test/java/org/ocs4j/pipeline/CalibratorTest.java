package org.ocs4j.pipeline;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.quant.TensorStatistics;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The calibration loop: statistics of each node's own output, batches per pass, empty and one-pass data. */
class CalibratorTest {

    private static final EnumSet<ClipMethod> ALL = EnumSet.allOf(ClipMethod.class);

    @Test
    void eachNodeIsMeasuredBeforeALaterLayerOverwritesItInPlace() {
        // TestNets.mln: node 1 is a batch norm whose output node 2 (an ActivationLayer ReLU) transforms in place on
        // DL4J's own forward pass, so DL4J's feedForward list reports the ReLU'd values for node 1 too.
        MultiLayerNetwork net = TestNets.mln(4);
        ListDataSetIterator<DataSet> data = QuantizationPipelineTest.calibration(InputShape.of(3, 12, 12), 3, 4);
        Map<String, TensorStatistics> s = new Calibrator(data, 3, Progress.NONE)
                .statistics(net, List.of("1", "2", "3"), ALL);
        System.out.printf("batch norm output [%.4f, %.4f], its ReLU [%.4f, %.4f]%n", s.get("1").min(), s.get("1").max(),
                s.get("2").min(), s.get("2").max());
        assertTrue(s.get("1").min() < 0, "a batch norm's output has negative values: " + s.get("1"));
        assertEquals(0.0, s.get("2").min(), 0.0, "the ReLU's output is never negative");
        assertEquals(s.get("1").max(), s.get("2").max(), 1e-6 * s.get("1").max(), "ReLU keeps the positive maximum");

        data.reset();
        INDArray x = data.next().getFeatures();
        double dl4jConvMax = net.feedForward(x, false).get(4).amaxNumber().doubleValue(); // node 3's output
        data.reset();
        double ours = new Calibrator(data, 1, Progress.NONE).statistics(net, List.of("3"), ALL).get("3").maxAbs();
        assertEquals(dl4jConvMax, ours, 1e-5 * dl4jConvMax, "same values as DL4J's forward pass (float rounding)");
    }

    @Test
    void readsAtMostTheConfiguredBatchesAndRefusesEmptyOrOnePassData() {
        MultiLayerNetwork net = TestNets.mln(4);
        ListDataSetIterator<DataSet> data = QuantizationPipelineTest.calibration(InputShape.of(3, 12, 12), 5, 4);
        TensorStatistics two = new Calibrator(data, 2, Progress.NONE).statistics(net, List.of("0"), ALL).get("0");
        assertEquals(2L * 8 * 8 * 10 * 10, two.count(), "2 batches of 8 examples × 8 channels × 10 × 10");

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new Calibrator(new ListDataSetIterator<>(new ArrayList<DataSet>(), 1), 2, Progress.NONE)
                        .statistics(net, List.of("0"), ALL));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new Calibrator(null, 2, Progress.NONE));
        assertTrue(none.getMessage().contains("calibration needs data"), none.getMessage());
    }
}
