import { describe, expect, it } from "vitest";
import { CodePipelineServiceException, PipelineNotFoundException, ValidationException } from "../../src/index.js";

describe("instanceof across copies and services", () => {
  it("matches an undeclared modeled error by name, as the official client does", () => {
    const err = new CodePipelineServiceException({ name: "PipelineNotFoundException", $fault: "client", $metadata: {} });
    expect(err).toBeInstanceOf(PipelineNotFoundException);
    expect(err).not.toBeInstanceOf(ValidationException);
  });

  it("never matches errors of other services, even with the same shape and name", () => {
    class S3ServiceException extends Error {
      static shapeId = "com.amazonaws.s3#NoSuchKey";
      $fault = "client" as const;
      $metadata = {};
      override name = "PipelineNotFoundException";
    }
    const foreign = new S3ServiceException("x");
    expect(foreign).not.toBeInstanceOf(CodePipelineServiceException);
    expect(foreign).not.toBeInstanceOf(PipelineNotFoundException);
    const plain = { name: "PipelineNotFoundException", $fault: "client", $metadata: {} };
    expect(plain).not.toBeInstanceOf(CodePipelineServiceException);
    expect(plain).not.toBeInstanceOf(PipelineNotFoundException);
  });

  it("matches the official client's CodePipeline errors through their shape id", () => {
    class Official extends Error {
      static shapeId = "com.amazonaws.codepipeline#PipelineNotFoundException";
      $fault = "client" as const;
      $metadata = {};
      override name = "PipelineNotFoundException";
    }
    expect(new Official("x")).toBeInstanceOf(PipelineNotFoundException);
    expect(new Official("x")).toBeInstanceOf(CodePipelineServiceException);
    expect(new Official("x")).not.toBeInstanceOf(ValidationException);
  });
});
