package org.ocs4j.imports;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.TensorProto;
import org.tensorflow.framework.TensorShapeProto;
import org.tensorflow.framework.NodeDef;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reading the values of a TensorFlow GraphDef's nodes: float constants, list attributes, variable reads. */
final class GraphDefNodes {

    private GraphDefNodes() {
    }

    /** A float constant of the graph as an INDArray (little-endian {@code tensor_content} or {@code float_val}). */
    static INDArray constant(Map<String, NodeDef> byName, String name, Path file) {
        NodeDef n = byName.get(name);
        if (n == null || !n.getOp().equals("Const") || !n.getAttrMap().containsKey("value")) {
            throw new IllegalArgumentException(file + " has no constant " + name + ": not a TF-slim MobileNet v1");
        }
        TensorProto t = n.getAttrMap().get("value").getTensor();
        if (t.getDtype() != DataType.DT_FLOAT) {
            throw new IllegalArgumentException(file + ": constant " + name + " is " + t.getDtype() + ", expected float");
        }
        long[] shape = t.getTensorShape().getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        float[] values = new float[(int) length];
        if (!t.getTensorContent().isEmpty()) {
            t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else if (t.getFloatValCount() == 1) {
            java.util.Arrays.fill(values, t.getFloatVal(0));
        } else if (t.getFloatValCount() == length) {
            for (int i = 0; i < length; i++) {
                values[i] = t.getFloatVal(i);
            }
        } else {
            throw new IllegalArgumentException(file + ": constant " + name + " holds " + t.getFloatValCount()
                    + " values for shape " + java.util.Arrays.toString(shape));
        }
        INDArray a = Nd4j.createFromArray(values);
        return shape.length == 0 ? a : a.reshape(shape);
    }

    static int[] hw(NodeDef n, String attr) {
        List<Long> v = n.getAttrMap().get(attr).getList().getIList();
        return new int[]{v.get(1).intValue(), v.get(2).intValue()};
    }

    static String stripRead(String input) {
        return input.endsWith("/read") ? input.substring(0, input.length() - "/read".length()) : input;
    }
}
