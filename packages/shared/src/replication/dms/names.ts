/**
 * What `replication: dms` creates for an environment, named so that a re-run finds it again and a later
 * phase (and a person) can tell it is the toolkit's. DMS identifiers take letters, digits and single
 * hyphens, and begin with a letter. The slot on v1 is DMS's own (a full-load-and-cdc task creates it and
 * names it), found through the task.
 */
export interface DmsNames {
  sourceEndpoint: string;
  targetEndpoint: string;
  task: string;
}

export function dmsNames(environment: string): DmsNames {
  const id = environment
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return {
    sourceEndpoint: `dbmig-${id}-v1-source`,
    targetEndpoint: `dbmig-${id}-v2-target`,
    task: `dbmig-${id}`,
  };
}
