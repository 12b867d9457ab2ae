import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, waitUntilEndpointInService } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { ContainerModel, ModelError } from '../../src/runtime/index.js';
import { containerScript } from '../helpers/container.js';
import { killGroup } from '../../src/shared/process-group.js';
import { startTestServer } from '../helpers/server.js';

const sh = (cmd: string) => ['/bin/sh', '-c', cmd];
const started: ContainerModel[] = [];
async function start(options: Parameters<typeof ContainerModel.start>[0]): Promise<ContainerModel> {
  const m = await ContainerModel.start(options);
  started.push(m);
  return m;
}
after(async () => {
  for (const m of started) await m.unload();
});

describe('bring-your-own containers (SageMaker’s /ping and /invocations contract)', () => {
  it('starts N instances on their own ports and spreads requests by least outstanding', async () => {
    const m = await start({ command: sh(containerScript({ delayMs: 150, body: '0.25' })), instances: 3 });
    const urls = m.status().map((s) => s.url);
    assert.equal(new Set(urls).size, 3);
    assert.ok(m.status().every((s) => s.healthy));
    const calls = Array.from({ length: 9 }, () => m.predict(Buffer.from('1,2,3'), 'text/csv', undefined));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(m.status().map((s) => s.outstanding), [3, 3, 3], 'nine requests in flight, three per instance');
    const answers = await Promise.all(calls);
    assert.ok(answers.every((a) => a.body.toString() === '0.25' && a.contentType === 'text/csv'));
    assert.deepEqual(m.status().map((s) => s.outstanding), [0, 0, 0]);
    await m.unload();
    for (const url of urls) {
      await assert.rejects(fetch(`${url}/ping`), 'the server the `sh -c` wrapper started is stopped with it');
    }
  });

  it('restarts a crashed instance with backoff and serves again', async () => {
    const m = await start({ command: sh(containerScript({ crashAfter: 2 })), instances: 1 });
    for (let i = 0; i < 2; i++) assert.equal((await m.predict(Buffer.from('1'), 'text/csv', undefined)).body.toString(), '0.5');
    await assert.rejects(m.predict(Buffer.from('1'), 'text/csv', undefined), (err: unknown) => err instanceof ModelError && /container instance 0 failed/.test(err.message));
    await assert.rejects(m.predict(Buffer.from('1'), 'text/csv', undefined), (err: unknown) => err instanceof ModelError && err.originalStatusCode === 503 && /no healthy container instance/.test(err.message));
    for (let i = 0; i < 100 && !(await m.health()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(m.status()[0].restarts, 1);
    assert.equal((await m.predict(Buffer.from('1'), 'text/csv', undefined)).body.toString(), '0.5');
  });

  it('passes the container’s 4xx/5xx on as a model error with its status and body', async () => {
    const m = await start({ command: sh(containerScript({ status: 422, body: 'feature 3 is out of range' })) });
    await assert.rejects(m.predict(Buffer.from('1'), 'text/csv', undefined), (err: unknown) => err instanceof ModelError && err.originalStatusCode === 422 && err.message === 'feature 3 is out of range');
  });

  it('uses a server that already runs (URL mode) and says when one does not answer /ping', async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const server: ChildProcess = spawn('/bin/sh', ['-c', containerScript({ body: '0.75' })], { env: { ...process.env, SAGEMAKER_BIND_TO_PORT: String(port) }, stdio: 'ignore', detached: true });
    try {
      let m: ContainerModel | undefined;
      for (let i = 0; i < 50 && !m; i++) {
        m = await start({ url: `http://127.0.0.1:${port}/`, startupTimeoutMs: 200 }).catch(() => undefined);
      }
      assert.ok(m, 'the running server was reached');
      assert.equal((await m.predict(Buffer.from('1'), 'text/csv', undefined)).body.toString(), '0.75');
    } finally {
      killGroup(server, 'SIGTERM');
    }
    await assert.rejects(ContainerModel.start({ url: 'http://127.0.0.1:9/', startupTimeoutMs: 300 }), /did not answer GET \/ping with 200 within 300 ms/);
  });

  it('a command that exits at once, or never listens, is refused with the reason', async () => {
    await assert.rejects(ContainerModel.start({ command: sh('echo "missing weights" >&2; exit 7') }), /exited with code 7/);
    await assert.rejects(ContainerModel.start({ command: sh('sleep 5'), startupTimeoutMs: 300 }), /did not answer GET \/ping within 300 ms/);
  });

  it('over the SageMaker runtime API a container error is a 424 ModelError with the original status', async () => {
    const t = await startTestServer();
    try {
      await t.sagemaker.send(new CreateModelCommand({ ModelName: 'byoc', PrimaryContainer: { Image: 'acme/model:1', Environment: { SPLITSERVE_CONTAINER_COMMAND: containerScript({ status: 500, body: 'out of memory' }) } } }));
      await t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'byoc-config', ProductionVariants: [{ VariantName: 'Only', ModelName: 'byoc', InitialVariantWeight: 1, InitialInstanceCount: 2 }] }));
      await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'byoc', EndpointConfigName: 'byoc-config' }));
      await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'byoc' });
      await t.sagemaker.send(new CreateModelCommand({ ModelName: 'byoc-ok', PrimaryContainer: { Image: 'acme/model:2', Environment: { SPLITSERVE_CONTAINER_COMMAND: containerScript({ body: '0.9' }) } } }));
      await t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'byoc-ok-config', ProductionVariants: [{ VariantName: 'Only', ModelName: 'byoc-ok', InitialVariantWeight: 1 }] }));
      await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'byoc-ok', EndpointConfigName: 'byoc-ok-config' }));
      await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'byoc-ok' });
      const ok = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'byoc-ok', ContentType: 'application/x-anything', Accept: 'text/plain', CustomAttributes: 'trace=abc', Body: Buffer.from('raw bytes') }));
      assert.equal(Buffer.from(ok.Body!).toString(), '0.9');
      assert.equal(ok.ContentType, 'text/plain', 'content type and Accept pass through');
      assert.equal(ok.CustomAttributes, 'model saw: trace=abc', 'custom attributes reach the container and its answer reaches the caller');
      const detail = (await (await fetch(`${t.url}/v1/endpoints/byoc`)).json()) as { models?: unknown };
      assert.ok(JSON.stringify(detail).includes('"instances"'), 'the endpoint shows its container instances');
      await assert.rejects(t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'byoc', ContentType: 'text/csv', Body: Buffer.from('1') })), (err: unknown) => {
        const e = err as { name: string; message: string; $metadata: { httpStatusCode: number }; OriginalStatusCode?: number };
        assert.equal(e.name, 'ModelError');
        assert.equal(e.$metadata.httpStatusCode, 424);
        assert.equal(e.OriginalStatusCode, 500);
        assert.match(e.message, /Received server error \(500\) from model with message "out of memory"/);
        return true;
      });
      const slot = t.app.recorder.slotsOf('byoc').find((x) => x.variant === 'Only')!;
      assert.deepEqual([slot.totalErr4xx, slot.totalErr5xx], [0, 1], 'the model’s 500 counts as Invocation5XXErrors, as SageMaker counts it');
    } finally {
      await t.close();
    }
  });
});
