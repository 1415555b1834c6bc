import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { RosterConfig } from '@roster/config';
import {
  collapseSlashes,
  contractRoutes,
  ErrorResponder,
  jsonBodyParser,
  loadContract,
  MigrationRunner,
  PinoNestLogger,
  readinessGate,
  rejectForbiddenUrlText,
  rejectOtherScimVersions,
  requestContext,
  RosterMetrics,
  RouteTable,
  ScimExceptionFilter,
  scimContentType,
  scimTenantView,
  SCIM_VIEW_URL,
} from '@roster/platform';
import { ScimRequestLog } from '@roster/directory';
import { AppModule } from './app.module';
import { portalAssets } from './portal-assets';

const SCIM_VIEW_NAME = 'SCIM 2.0, one tenant';
const CONTRACT_JSON = 'openapi.json';

/**
 * Builds the HTTP application. The order of the Express middleware matters: request id and logging,
 * slash normalisation, SCIM media type, readiness, body parsing, then the error handler that turns
 * body-parser failures into SCIM errors — all before Nest's router.
 */
export async function createApp(config: RosterConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, { log: (message) => logger.info({ context: 'mikro-orm' }, message) }),
    {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    },
  );
  const contract = loadContract();
  const responder = new ErrorResponder(logger, new RouteTable(contractRoutes(contract.document)));
  const migrations = app.get(MigrationRunner);

  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // ETag means meta.version here; Express's body-hash ETags would contradict it on lists.
  app.set('etag', false);
  app.use(requestContext(logger, [app.get(ScimRequestLog).recorder()]));
  app.use(app.get(RosterMetrics).middleware());
  app.use(collapseSlashes);
  app.use(rejectForbiddenUrlText);
  app.use(scimContentType);
  app.use(rejectOtherScimVersions);
  app.use(
    readinessGate(
      () => migrations.ready,
      (error, req, res) => responder.send(error, req, res),
    ),
  );
  app.use('/portal', portalAssets(config));
  app.use(jsonBodyParser(config.bodyLimitBytes));
  app.use(responder.expressHandler());
  app.useGlobalFilters(new ScimExceptionFilter(responder));

  // Swagger UI and the raw document come from the hand-written contract, never from decorators. It opens
  // on the SCIM view (the tenant set once, as a server variable); the whole contract is the other choice.
  const scimView = scimTenantView(contract.document);
  app.getHttpAdapter().get(SCIM_VIEW_URL, (_req, res) => (res as Response).json(scimView));
  SwaggerModule.setup('docs', app, contract.document as unknown as OpenAPIObject, {
    jsonDocumentUrl: CONTRACT_JSON,
    yamlDocumentUrl: 'openapi.yaml',
    explorer: true,
    swaggerOptions: {
      urls: [
        { url: SCIM_VIEW_URL, name: SCIM_VIEW_NAME },
        { url: `/${CONTRACT_JSON}`, name: 'Roster — the whole API (admin, portal, events, SCIM)' },
      ],
      'urls.primaryName': SCIM_VIEW_NAME,
    },
  });
  return app;
}
