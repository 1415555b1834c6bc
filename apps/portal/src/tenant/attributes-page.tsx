import { api, data } from '../api/client';
import { useLoad } from '../api/use-load';
import { CopyField } from '../components/copy-field';
import { ErrorMessage, Loading } from '../components/feedback';
import { Page } from '../components/page';
import { RECOMMENDED_SOURCES } from '../mapping';

/**
 * Attribute mapping: what Roster reads, schema by schema (from the server's schema registry), with the usual
 * Okta and Entra ID source beside each, and the extension schemas' full names to paste.
 */
export function AttributesPage() {
  const attributes = useLoad(() => data(api.GET('/portal/api/v1/attributes')), 'attributes');
  return (
    <Page
      title="Attributes"
      lead="What Roster reads of a learner. Map at least userName, the name and an e-mail; the learner attributes drive assignments and reporting. Extension attributes are mapped under the schema's full name."
    >
      {attributes.error && <ErrorMessage error={attributes.error} what="load the attributes" />}
      {!attributes.value && !attributes.error && <Loading what="attributes" />}
      {attributes.value?.schemas.map((schema) => (
        <section key={schema.urn} className="panel" aria-labelledby={`schema-${schema.name}`}>
          <h2 id={`schema-${schema.name}`}>{schema.core ? 'Core attributes' : `${schema.name} extension`}</h2>
          {!schema.core && <CopyField label="Schema (external namespace)" value={schema.urn} />}
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{schema.name} attributes and their usual sources</caption>
              <thead>
                <tr>
                  <th scope="col">Attribute</th>
                  <th scope="col">Type</th>
                  <th scope="col">Okta source</th>
                  <th scope="col">Entra ID source</th>
                  <th scope="col">What it is</th>
                </tr>
              </thead>
              <tbody>
                {schema.attributes.map((attribute) => {
                  const source = RECOMMENDED_SOURCES[attribute.path];
                  return (
                    <tr key={attribute.path}>
                      <th scope="row">
                        <code>{attribute.path}</code>
                        {attribute.required && <span className="tag">required</span>}
                      </th>
                      <td>
                        {attribute.type}
                        {attribute.multiValued ? ' (several)' : ''}
                      </td>
                      <td>{source?.okta ?? '—'}</td>
                      <td>{source?.entra ?? '—'}</td>
                      <td>{attribute.description || '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </Page>
  );
}
