import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorResponder } from './error-responder';

/** Global filter: errors from guards never reach interceptors, so the envelope is built here. */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  constructor(private readonly responder: ErrorResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.responder.send(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }
}
